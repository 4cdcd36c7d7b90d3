# small_dio-iops-write-inline: drawn by pinbench from results.json
set title "small_dio: IOPS by block size, write, QD1, inline completion" noenhanced
set xlabel "block size, bytes"
set ylabel "IOPS"
set key outside right noenhanced
set grid
set logscale x 2
set format x "%g"
set logscale y
set terminal pngcairo size 960,540
set output 'small_dio-iops-write-inline.png'
plot 'small_dio-iops-write-inline.0.dat' using 1:2 with linespoints title "gup_ref", 'small_dio-iops-write-inline.1.dat' using 1:2 with linespoints title "pin_counter", 'small_dio-iops-write-inline.2.dat' using 1:2 with linespoints title "fake_vma", 'small_dio-iops-write-inline.3.dat' using 1:2 with linespoints title "notifier_revoke", 'small_dio-iops-write-inline.4.dat' using 1:2 with linespoints title "fake_vma_fast", 'small_dio-iops-write-inline.5.dat' using 1:2 with linespoints title "notifier_revoke (per buffer)", 'small_dio-iops-write-inline.6.dat' using 1:2 with linespoints title "stock: liburing", 'small_dio-iops-write-inline.7.dat' using 1:2 with linespoints title "stock: liburing fixed buffers", 'small_dio-iops-write-inline.8.dat' using 1:2 with linespoints title "stock: fio_io_uring", 'small_dio-iops-write-inline.9.dat' using 1:2 with linespoints title "stock: fio_io_uring fixed buffers"
set terminal svg dynamic size 960,540
set output 'small_dio-iops-write-inline.svg'
plot 'small_dio-iops-write-inline.0.dat' using 1:2 with linespoints title "gup_ref", 'small_dio-iops-write-inline.1.dat' using 1:2 with linespoints title "pin_counter", 'small_dio-iops-write-inline.2.dat' using 1:2 with linespoints title "fake_vma", 'small_dio-iops-write-inline.3.dat' using 1:2 with linespoints title "notifier_revoke", 'small_dio-iops-write-inline.4.dat' using 1:2 with linespoints title "fake_vma_fast", 'small_dio-iops-write-inline.5.dat' using 1:2 with linespoints title "notifier_revoke (per buffer)", 'small_dio-iops-write-inline.6.dat' using 1:2 with linespoints title "stock: liburing", 'small_dio-iops-write-inline.7.dat' using 1:2 with linespoints title "stock: liburing fixed buffers", 'small_dio-iops-write-inline.8.dat' using 1:2 with linespoints title "stock: fio_io_uring", 'small_dio-iops-write-inline.9.dat' using 1:2 with linespoints title "stock: fio_io_uring fixed buffers"
