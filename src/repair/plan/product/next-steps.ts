// What the operator does after a repair, for the product the output is laid out for: stop every
// member (and how to see that it stopped), back up, put each member's directory in place on its
// machine (old raft data moved aside, never merged), ownership and modes, start order, and how to
// confirm the cluster is back. Derived from the plan alone (pure), so `--json` carries the same
// steps as the text. The commands follow the products' own recovery documentation.
import type { PlannedNode, RepairPlan } from '../types.js';
import { raftDirOf } from './layout.js';
import type { ProductName } from './types.js';

export interface NextStep {
  readonly title: string;
  /** Where to run the commands: "every member", or one member's machine. */
  readonly where: string;
  readonly commands: readonly string[];
  readonly notes: readonly string[];
}

export interface NextSteps {
  readonly product: ProductName | 'go-dqlite';
  readonly steps: readonly NextStep[];
}

interface Words {
  readonly stop: string[];
  readonly stopped: string[];
  readonly start: string;
  readonly confirm: string[];
}

const DEFAULT_STATE: Record<ProductName, string> = {
  lxd: '/var/snap/lxd/common/lxd',
  incus: '/var/lib/incus',
  microk8s: '/var/snap/microk8s/current/var/kubernetes/backend',
  microcluster: '/var/snap/microcloud/common/state',
};

/** The state directory on the machine, from the input's path when it shows the product's usual place. */
function stateDirOf(product: ProductName, inputs: readonly (string | null)[]): string {
  const places = [
    '/var/snap/lxd/common/lxd',
    '/var/lib/lxd',
    '/var/lib/incus',
    '/var/snap/microk8s/current/var/kubernetes/backend',
    '/var/snap/k8s/common/var/lib/k8sd/state',
    '/var/snap/[a-z0-9-]+/common/state',
  ];
  const known = new RegExp(`(${places.join('|')})(?:/|$)`);
  for (const key of inputs) {
    const m = key === null ? null : known.exec(key);
    if (m) return m[1]!;
  }
  return DEFAULT_STATE[product];
}

function words(product: ProductName, state: string): Words {
  const snap = /\/var\/snap\/([a-z0-9-]+)\//.exec(state)?.[1];
  if (product === 'incus') {
    return {
      stop: ['sudo systemctl stop incus.service incus.socket'],
      stopped: ['systemctl is-active incus.service incus.socket   # both "inactive"'],
      start: 'sudo systemctl start incus.socket incus.service',
      confirm: [
        'incus cluster list   # every member ONLINE',
        'sudo incus admin cluster list-database',
        'sudo incus admin sql local "SELECT * FROM raft_nodes"',
      ],
    };
  }
  if (product === 'lxd') {
    const snapped = snap === 'lxd';
    return {
      stop: [snapped ? 'sudo snap stop lxd' : 'sudo systemctl stop lxd.service lxd.socket'],
      stopped: [
        snapped
          ? 'snap services lxd   # every service "inactive"'
          : 'systemctl is-active lxd.service lxd.socket   # "inactive"',
        'pgrep -x lxd || echo stopped',
      ],
      start: snapped ? 'sudo snap start lxd' : 'sudo systemctl start lxd.socket lxd.service',
      confirm: [
        'lxc cluster list   # every member ONLINE, no "No heartbeat"',
        'sudo lxd cluster list-database',
        'sudo lxd sql local "SELECT * FROM raft_nodes"',
      ],
    };
  }
  if (product === 'microk8s') {
    return {
      stop: ['sudo microk8s stop'],
      stopped: ['snap services microk8s   # every service "inactive"', 'pgrep -f k8s-dqlite || echo stopped'],
      start: 'sudo microk8s start',
      confirm: [
        'microk8s status   # high-availability and the datastore nodes at their new addresses',
        'microk8s kubectl get nodes',
      ],
    };
  }
  const app = snap === 'k8s' ? 'k8s' : (snap ?? 'microcloud');
  const cli = app === 'k8s' ? 'sudo k8s status' : `sudo ${app} cluster list`;
  return {
    stop: [`sudo snap stop ${app}`],
    stopped: [`snap services ${app}   # every service "inactive"`, `test ! -e ${state}/control.socket && echo stopped`],
    start: `sudo snap start ${app}`,
    confirm: [
      ...(app === 'k8s' ? [] : [`sudo ${app} cluster list --local   # cluster.yaml and the truststore only`]),
      cli,
    ],
  };
}

/** The commands that put one member's directory in place over its state directory. */
function placeCommands(product: ProductName, o: PlannedNode, from: string, state: string): string[] {
  const raft = raftDirOf(product);
  const target = raft ? `${state}/${raft}` : state;
  const copyRaft = [`sudo mv ${target} ${target}.before-repair`, `sudo cp -a ${from}/${raft || '.'} ${target}`];
  if (product === 'lxd' || product === 'incus') {
    const files = o.files.filter((f) => f.dir === 'database' && f.role === 'product').map((f) => f.name);
    return [
      ...copyRaft,
      ...files.map((f) => `sudo cp -a ${from}/database/${f} ${state}/database/${f}`),
      `sudo rm -f ${state}/database/local.db-wal ${state}/database/local.db-shm`,
      `sudo chown -R root:root ${state}/database && sudo chmod 0700 ${state}/database && sudo chmod 0750 ${target}`,
    ];
  }
  if (product === 'microcluster') {
    return [
      ...copyRaft,
      ...(o.files.some((f) => f.name === 'daemon.yaml') ? [`sudo cp -a ${from}/daemon.yaml ${state}/daemon.yaml`] : []),
      `sudo cp -a ${from}/truststore/. ${state}/truststore/`,
      `sudo cp -a ${from}/patch.global.sql ${state}/patch.global.sql`,
      `sudo chown -R root:root ${state}/database ${state}/truststore && sudo chmod 0700 ${state}/database ${state}/truststore`,
    ];
  }
  return [...copyRaft, `sudo chown -R root:microk8s ${target} && sudo chmod 0700 ${target}`];
}

const step = (title: string, where: string, commands: readonly string[], notes: readonly string[] = []): NextStep => ({
  title,
  where,
  commands,
  notes,
});

/** The next steps after writing `plan` to `out` (a directory or a tarball). */
export function nextSteps(plan: RepairPlan, out: string, tarball: boolean): NextSteps {
  const product = plan.outputs.find((o) => o.product)?.product;
  if (!product) return { product: 'go-dqlite', steps: [] };
  const state = stateDirOf(
    product,
    plan.outputs.map((o) => o.inputNode),
  );
  const w = words(product, state);
  const root = tarball ? '/root/raft-rescue-out' : out;
  const steps: NextStep[] = [
    step('Stop the product on every member, and check that it stopped', 'every member', [...w.stop, ...w.stopped]),
    step('Back up the state directory', 'every member', [
      `sudo tar -czf /root/state-before-repair.tar.gz -C ${state} .`,
    ]),
  ];
  if (tarball) {
    steps.push(
      step('Unpack the output (it is private: keep it so)', 'every member', [
        `sudo mkdir -m 0700 -p ${root}`,
        `sudo tar -xpf ${out} -C ${root}`,
      ]),
    );
  }
  for (const o of plan.outputs) {
    const dir = o.dir ?? o.address;
    const who = `${o.name ?? dir} (ID ${o.id}, new address ${o.address})`;
    steps.push({
      title: `Put ${dir}/ in place`,
      where: who,
      commands: placeCommands(product, o, `${root}/${dir}`, state),
      notes: [
        'The old raft directory is moved aside, never merged with the new one: leftover segments would be read at start.',
      ],
    });
  }
  const source = plan.outputs.find((o) => o.isSource);
  steps.push(
    step(
      'Start the members, voters first',
      'every member',
      [w.start],
      [
        `Start ${source?.name ?? source?.address ?? 'the source member'} first; the database answers once a majority of voters runs.`,
      ],
    ),
    step('Confirm the cluster is back', 'any member', w.confirm),
  );
  return { product, steps };
}
