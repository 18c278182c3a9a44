/**
 * PID 1 of a target, run by `bash -c` inside the target's own net/mount/uts/ipc/pid namespaces
 * (testnet.md §3.3). It is a constant: every name and path arrives as a positional argument, never
 * spliced into the text. The host prepared `<target>/fstab` (see target-mounts.ts) and the
 * directories /run/sshd and /run/testnet-install in the target's /run.
 *
 * Arguments: NAME TARGET_DIR ADDRESS INSTALL_ROOT
 *
 * After the mounts, the installation held in /run is moved back to its own path, so a checkout under
 * /tmp is visible in the target where the sessions' PATH points.
 */
export const TARGET_INIT_SCRIPT = `
set -euo pipefail
name=$1 T=$2 addr=$3 install=$4
ip -batch - <<<"link set lo up
addr add $addr/24 dev eth0
link set eth0 up"
hostname "$name"
mount -a -T "$T/fstab"
mkdir -p "$install"
mount --move /run/testnet-install "$install"
rmdir /run/testnet-install
/usr/sbin/sshd -D -E /var/log/sshd.log &
echo "target $name up, sshd pid (in the target) $!"
# Stay PID 1 and reap orphans: services started over ssh are re-parented here.
trap 'exit 0' TERM INT
while :; do wait -n 2>/dev/null || sleep 1; done
`
