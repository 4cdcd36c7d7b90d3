#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# slurm-local.sh: a one-node Slurm for make check: munged, slurmctld and slurmd
# as this test's own processes, everything (key, sockets, state, logs) in DIR.
#
# usage: slurm-local.sh start DIR   prints the SLURM_CONF to export; exit 0 when
#                                   sinfo shows the node idle
#        slurm-local.sh stop DIR    stops all three, whatever state they are in
# Ports are picked free at start (not Slurm's defaults, which a real
# installation may hold). Needs Debian's slurm-wlm and munge.
set -eu
cmd=$1
dir=$2

stop() {
	if [ -f "$dir/slurm.conf" ]; then
		# Jobs still running (a test that was interrupted) end with their steps.
		SLURM_CONF=$dir/slurm.conf timeout 20 scancel --full --partition=check > /dev/null 2>&1 || true
		SLURM_CONF=$dir/slurm.conf timeout 20 scontrol shutdown > /dev/null 2>&1 || true
	fi
	for p in slurmd slurmctld munged; do
		[ -f "$dir/$p.pid" ] || continue
		pid=$(cat "$dir/$p.pid")
		kill "$pid" 2> /dev/null || true
		i=0
		while kill -0 "$pid" 2> /dev/null && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
		kill -9 "$pid" 2> /dev/null || true
		rm -f "$dir/$p.pid"
	done
}

# A TCP port nobody listens on, from a range Slurm does not use by default.
free_port() {
	while :; do
		p=$(( $(od -An -tu2 -N2 /dev/urandom | tr -d ' ') % 20000 + 30000 ))
		ss -Hltn "sport = :$p" 2> /dev/null | grep -q . || { echo "$p"; return; }
	done
}

case $cmd in
stop)
	stop
	exit 0
	;;
start) ;;
*) echo "usage: slurm-local.sh start|stop DIR" >&2; exit 2 ;;
esac

for p in munged slurmctld slurmd sbatch sinfo scontrol; do
	command -v "$p" > /dev/null || { echo "slurm-local: $p not found (apt-get install slurm-wlm munge)" >&2; exit 2; }
done
mkdir -p "$dir/state" "$dir/spool"
chmod 755 "$dir"
user=$(id -un)
host=$(hostname -s)
dd if=/dev/urandom of="$dir/munge.key" bs=1024 count=1 2> /dev/null
chmod 400 "$dir/munge.key"
munged --force --socket="$dir/munge.sock" --key-file="$dir/munge.key" --log-file="$dir/munged.log" \
	--pid-file="$dir/munged.pid" --seed-file="$dir/munged.seed"
mem=$(awk '/^MemTotal:/ { print int($2 / 1024) - 1024 }' /proc/meminfo)
cat > "$dir/slurm.conf" <<EOF
# slurm-local.sh: one node, this host, for make check
ClusterName=pinbench-check
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
AuthInfo=socket=$dir/munge.sock
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=check Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$dir/slurm.conf"
slurmctld
slurmd -N "$host"
i=0
until sinfo -h -o '%t' 2> /dev/null | grep -q idle; do
	i=$((i + 1))
	if [ $i -ge 100 ]; then
		echo "slurm-local: the node did not come up in 20 s:" >&2
		tail -5 "$dir/slurmctld.log" "$dir/slurmd.log" >&2
		stop
		exit 1
	fi
	sleep 0.2
done
echo "$SLURM_CONF"
