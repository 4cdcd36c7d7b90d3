# small_dio-latency-cdf-read-inline: drawn by pinbench from results.json
set title "small_dio: latency CDF, 4 KiB read, QD1, inline completion" noenhanced
set xlabel "latency, ns (submit to completion)"
set ylabel "fraction of I/Os at or below"
set key outside right noenhanced
set grid
set logscale x 10
set format x "%g"
set terminal pngcairo size 960,540
set output 'small_dio-latency-cdf-read-inline.png'
plot 'small_dio-latency-cdf-read-inline.0.dat' using 1:2 with lines lw 2 title "gup_ref", 'small_dio-latency-cdf-read-inline.1.dat' using 1:2 with lines lw 2 title "pin_counter", 'small_dio-latency-cdf-read-inline.2.dat' using 1:2 with lines lw 2 title "fake_vma", 'small_dio-latency-cdf-read-inline.3.dat' using 1:2 with lines lw 2 title "notifier_revoke", 'small_dio-latency-cdf-read-inline.4.dat' using 1:2 with lines lw 2 title "fake_vma_fast", 'small_dio-latency-cdf-read-inline.5.dat' using 1:2 with lines lw 2 title "notifier_revoke (per buffer)", 'small_dio-latency-cdf-read-inline.6.dat' using 1:2 with lines lw 2 title "stock: liburing", 'small_dio-latency-cdf-read-inline.7.dat' using 1:2 with lines lw 2 title "stock: liburing fixed buffers"
set terminal svg dynamic size 960,540
set output 'small_dio-latency-cdf-read-inline.svg'
plot 'small_dio-latency-cdf-read-inline.0.dat' using 1:2 with lines lw 2 title "gup_ref", 'small_dio-latency-cdf-read-inline.1.dat' using 1:2 with lines lw 2 title "pin_counter", 'small_dio-latency-cdf-read-inline.2.dat' using 1:2 with lines lw 2 title "fake_vma", 'small_dio-latency-cdf-read-inline.3.dat' using 1:2 with lines lw 2 title "notifier_revoke", 'small_dio-latency-cdf-read-inline.4.dat' using 1:2 with lines lw 2 title "fake_vma_fast", 'small_dio-latency-cdf-read-inline.5.dat' using 1:2 with lines lw 2 title "notifier_revoke (per buffer)", 'small_dio-latency-cdf-read-inline.6.dat' using 1:2 with lines lw 2 title "stock: liburing", 'small_dio-latency-cdf-read-inline.7.dat' using 1:2 with lines lw 2 title "stock: liburing fixed buffers"
