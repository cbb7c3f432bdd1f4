# plot.gp - the plot of `make bench`: ns per increment by mode and threads.
#   gnuplot -e "dat='bench.dat'; png='bench.png'" plot.gp
set terminal png size 800,500
set output png
set title "counter: ns per increment (a 0.00 of local is off the log scale)"
set xlabel "threads"
set ylabel "ns per increment (log scale)"
set logscale xy
set xrange [0.8:20]
set xtics (1, 2, 4, 8, 16)
set key outside right
plot for [column=2:6] dat using 1:column with linespoints title columnheader(column)
