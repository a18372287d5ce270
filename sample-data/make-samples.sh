#!/usr/bin/env bash
# Re-creates the sample node directory sets in this folder from a real dqlite cluster.
# Needs: apt-get install -y go-dqlite  (dqlite-demo), and ../shared/dqlite-lab beside the repo.
#   bash sample-data/make-samples.sh [OUT_DIR]   (default: this folder)
# Each set is written as <name>.tar.gz holding <name>/<host:port>/... and <name>/expect.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lab=${LAB:-$here/../../shared/dqlite-lab/lab.mjs}
out=${1:-$here}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
common=(--value-bytes 16 --keys 64)

node "$lab" make --dir "$work/healthy" --writes 2600 --port 9510 "${common[@]}"
node "$lab" make --dir "$work/crash" --writes 2600 --port 9520 --stop kill "${common[@]}"
node "$lab" make --dir "$work/lagging" --writes 2600 --port 9530 --lag-node 3 --lag-after 1300 "${common[@]}"

# past-snapshot: nodes 1 and 2 lose their newest snapshot and the closed segment that follows
# the older snapshot (what a careless manual clean-up leaves), so the raft loader says
# "closed segment ... is past last snapshot ...". Node 3 was killed after 2200 writes and still
# holds the entries the other two lost, so a lossless repair is possible.
node "$lab" make --dir "$work/past-snapshot" --writes 3000 --port 9540 --lag-node 3 --lag-after 2200 "${common[@]}"
for n in 9541 9542; do
  d="$work/past-snapshot/127.0.0.1:$n"
  newest=$(ls "$d" | grep -E '^snapshot-[0-9]+-[0-9]+-[0-9]+$' | sort -t- -k3,3n | tail -1)
  older_index=$(ls "$d" | grep -E '^snapshot-[0-9]+-[0-9]+-[0-9]+$' | sort -t- -k3,3n | tail -2 | head -1 | cut -d- -f3)
  rm "$d/$newest" "$d/$newest.meta"
  # the closed segment holding the entry right after the older snapshot
  victim=$(ls "$d" | grep -E '^[0-9]{16}-[0-9]{16}$' | awk -F- -v i="$older_index" '$1+0 <= i+1 && $2+0 >= i+1')
  [[ -n "$victim" ]] || { echo "no segment holds index $((older_index+1)) in $d" >&2; exit 1; }
  rm "$d/$victim"
done

# small-ids: the members renumbered 1, 2, 3 (the IDs LXD and Incus give their database members) with
# `dqlite .reconfigure`, then written to again; product layouts (LXD, Incus) are built around it.
node "$here/../test/helpers/lab-small-ids.mjs" --lab "$lab" --dir "$work/small-ids" --port 9550 --first 1300 --second 1300 "${common[@]}"

for set in healthy crash lagging past-snapshot small-ids; do
  tar -C "$work" -czf "$out/$set.tar.gz" --owner=0 --group=0 --sort=name "$set"
done
ls -la "$out"/*.tar.gz
