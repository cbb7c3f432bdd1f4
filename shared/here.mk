# here.mk - HERE: the folder make runs in, by a path make can use.
#
# make cannot quote a space (nor ':' or '%') in a file name, and students keep
# their work in folders such as "OS Labs" or a Windows home under WSL. When the
# path of the folder has one, HERE is the same folder reached through a link to
# the kit at a path without them (scripts/kit-alias makes it, once per user and
# kit); the build then names every file through that link, and what it writes
# lands in the kit all the same. Otherwise HERE is the folder itself.
# Included by a relative path (include ../../shared/here.mk), which finds the kit.

HERE := $(CURDIR)
ifneq ($(filter-out 1,$(words $(CURDIR)))$(findstring :,$(CURDIR))$(findstring %,$(CURDIR)),)
HERE_KIT_LINK := $(shell $(dir $(lastword $(MAKEFILE_LIST)))../scripts/kit-alias)
HERE_KIT_REAL := $(realpath $(HERE_KIT_LINK))
ifeq ($(HERE_KIT_REAL),)
$(error cannot build here: the path has a space and no link to the kit could be made)
endif
HERE := $(subst $(HERE_KIT_REAL),$(HERE_KIT_LINK),$(CURDIR))
ifneq ($(words $(HERE)),1)
$(error cannot build in '$(CURDIR)': a folder inside the kit has a space in its name)
endif
endif
