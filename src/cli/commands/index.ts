// The list of `cosearch` commands. Each command lives in its own file beside this one.
import type { CommandModule } from 'yargs';
import { schemaCommand } from './schema.js';
import { serveCommand } from './serve.js';
import { tokenCommand } from './token.js';
import { auditCommand } from './audit.js';
import { exportCommand } from './export.js';
import { importCommand } from './import.js';
import { replayCommand } from './replay.js';
import { rescoreCommand } from './rescore.js';
import { rerunCommand } from './rerun.js';
import { whyCommand } from './why.js';
import { hwCommand } from './hw.js';
import { searchCommand } from './search.js';
import { datasetCommand } from './dataset.js';
import { trainCommand } from './train.js';
import { fidelityCommand } from './fidelity.js';
import { reportCommand } from './report.js';
import { workerCommand } from './worker.js';

// Each command module's args type differs; yargs' CommandModule is contravariant in them, so the list is widened.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- heterogeneous yargs command modules
export const commands: CommandModule<any, any>[] = [
  serveCommand,
  schemaCommand,
  tokenCommand,
  replayCommand,
  auditCommand,
  whyCommand,
  exportCommand,
  importCommand,
  rescoreCommand,
  rerunCommand,
  hwCommand,
  searchCommand,
  datasetCommand,
  trainCommand,
  fidelityCommand,
  reportCommand,
  workerCommand,
];
