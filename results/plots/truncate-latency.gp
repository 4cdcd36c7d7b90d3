# truncate-latency: drawn by pinbench from results.json
set title "truncate_under_dma: truncate to zero, p50 (no bar: the pin was refused)" noenhanced
set ylabel "us"
set logscale y
set grid y
set key outside right noenhanced
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set datafile missing '?'
set xtics rotate by -35 noenhanced
set terminal pngcairo size 1100,560
set output 'truncate-latency.png'
plot 'truncate-latency.dat' using 2:xtic(1) title columnheader, '' using 3 title columnheader, '' using 4 title columnheader
set terminal svg dynamic size 1100,560
set output 'truncate-latency.svg'
plot 'truncate-latency.dat' using 2:xtic(1) title columnheader, '' using 3 title columnheader, '' using 4 title columnheader
