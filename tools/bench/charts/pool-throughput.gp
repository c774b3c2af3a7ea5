# Tasks per second against the CPU time of one task (chapter 02).
load "tools/bench/charts/common.gp"
set title sprintf("Thread pools, 2 workers: throughput against task size (%s)", when) noenhanced
set xlabel "CPU time of one task, alone (microseconds)"
set ylabel "tasks per second"
set logscale xy
set xrange [0.7:1500]
set format y "%.0s%c"
set key noenhanced
plot for [i=0:series-1] data index i using 1:2 title columnheader(1) lt (i == series-1 ? 6 : i+1)
