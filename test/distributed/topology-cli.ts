import { resolve } from 'node:path';
import { COMPONENT_NAMES, type ComponentName } from './topology.js';
import { openProcessTopology } from './process-topology.js';

/**
 * `npm run topology:up` / `topology:down` / `npm run topology -- kill scheduler 0`: the HA
 * topology as processes, driven from a shell. State lives in --dir (default ./.kubeling-ha).
 */
const USAGE = `Usage: node dist/test/distributed/topology-cli.js COMMAND [--dir DIR]
  up [--nodes N]               start every instance that is not running (all of them the first time)
  down [--wipe]                stop everything (SIGTERM); --wipe also removes DIR (the next up starts clean)
  kill|stop|start NAME INDEX   SIGKILL, SIGTERM or (re)start one instance (INDEX from 0)
  status                       every instance with its pid, or "not running"
Components: ${COMPONENT_NAMES.join(', ')}
`;

async function main(argv: string[]): Promise<number> {
  const rest: string[] = [];
  let dir = resolve('.kubeling-ha');
  let nodes: number | undefined;
  let wipe = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--dir') dir = resolve(argv[++i] ?? '');
    else if (a === '--nodes') nodes = Number(argv[++i]);
    else if (a === '--wipe') wipe = true;
    else if (a === '-h' || a === '--help') {
      process.stdout.write(USAGE);
      return 0;
    } else rest.push(a);
  }
  const [command, component, index] = rest;
  if (nodes !== undefined && (!Number.isInteger(nodes) || nodes < 1)) {
    process.stderr.write('--nodes must be a positive integer\n');
    return 2;
  }
  const t = await openProcessTopology({ dir, nodes, log: (line) => process.stdout.write(`${line}\n`) });
  switch (command) {
    case 'up':
      await t.up();
      process.stdout.write(
        [
          `HA topology (processes, balancer: ${t.balancer}) is running in ${t.dir}`,
          `apiservers ${t.apiserverUrls.join(' ')} behind ${t.lbUrl}; etcd ${t.etcdEndpoints.join(',')}`,
          `export KUBECONFIG=${t.kubeconfigPath}`,
          '',
        ].join('\n'),
      );
      return 0;
    case 'down':
      await t.down({ removeVolumes: wipe });
      return 0;
    case 'status':
      for (const c of COMPONENT_NAMES) {
        for (let i = 0; i < t.replicas(c); i++) {
          const pid = t.pid(c, i);
          process.stdout.write(`${c}-${i}\t${pid ? `pid ${pid}` : 'not running'}\t${t.logPath(c, i)}\n`);
        }
      }
      return 0;
    case 'kill':
    case 'stop':
    case 'start': {
      if (!component || !(COMPONENT_NAMES as readonly string[]).includes(component) || index === undefined || !/^\d+$/.test(index)) {
        process.stderr.write(USAGE);
        return 2;
      }
      await t[command](component as ComponentName, Number(index));
      return 0;
    }
    default:
      process.stderr.write(USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`topology: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
