# small_dio-iops-write-softirq: drawn by pinbench from results.json
set title "small_dio: IOPS by block size, write, QD1, softirq completion" noenhanced
set xlabel "block size, bytes"
set ylabel "IOPS"
set key outside right noenhanced
set grid
set logscale x 2
set format x "%g"
set logscale y
set terminal pngcairo size 960,540
set output 'small_dio-iops-write-softirq.png'
plot 'small_dio-iops-write-softirq.0.dat' using 1:2 with linespoints title "gup_ref", 'small_dio-iops-write-softirq.1.dat' using 1:2 with linespoints title "pin_counter", 'small_dio-iops-write-softirq.2.dat' using 1:2 with linespoints title "fake_vma", 'small_dio-iops-write-softirq.3.dat' using 1:2 with linespoints title "notifier_revoke", 'small_dio-iops-write-softirq.4.dat' using 1:2 with linespoints title "fake_vma_fast", 'small_dio-iops-write-softirq.5.dat' using 1:2 with linespoints title "notifier_revoke (per buffer)", 'small_dio-iops-write-softirq.6.dat' using 1:2 with linespoints title "stock: liburing", 'small_dio-iops-write-softirq.7.dat' using 1:2 with linespoints title "stock: liburing fixed buffers", 'small_dio-iops-write-softirq.8.dat' using 1:2 with linespoints title "stock: fio_io_uring", 'small_dio-iops-write-softirq.9.dat' using 1:2 with linespoints title "stock: fio_io_uring fixed buffers"
set terminal svg dynamic size 960,540
set output 'small_dio-iops-write-softirq.svg'
plot 'small_dio-iops-write-softirq.0.dat' using 1:2 with linespoints title "gup_ref", 'small_dio-iops-write-softirq.1.dat' using 1:2 with linespoints title "pin_counter", 'small_dio-iops-write-softirq.2.dat' using 1:2 with linespoints title "fake_vma", 'small_dio-iops-write-softirq.3.dat' using 1:2 with linespoints title "notifier_revoke", 'small_dio-iops-write-softirq.4.dat' using 1:2 with linespoints title "fake_vma_fast", 'small_dio-iops-write-softirq.5.dat' using 1:2 with linespoints title "notifier_revoke (per buffer)", 'small_dio-iops-write-softirq.6.dat' using 1:2 with linespoints title "stock: liburing", 'small_dio-iops-write-softirq.7.dat' using 1:2 with linespoints title "stock: liburing fixed buffers", 'small_dio-iops-write-softirq.8.dat' using 1:2 with linespoints title "stock: fio_io_uring", 'small_dio-iops-write-softirq.9.dat' using 1:2 with linespoints title "stock: fio_io_uring fixed buffers"
