// The composition root: connects the API's ports to the other modules, the read models and their runner
// (src/projections), the hardware model, the config parser and the search runner with its trainer and workers
// (src/search, src/workers). `cosearch serve` calls this, so src/api never builds search or engine itself.
import {
  adaptConfigParser,
  createHardwareService,
  createReadModelsAdapter,
  type HardwareService,
  type ParsedExperimentConfig,
  type ReadModels,
} from '../api/index.js';
import { openProjections } from '../projections/index.js';
import {
  createEngineTrainer,
  createSearchRunner,
  parseExperimentConfig,
  withDefaultDispatch,
} from '../search/index.js';
import type { EventStore } from '../store/index.js';
import { createStoreDispatcher, startLocalWorkers, type LocalWorkers } from '../workers/index.js';

export interface BackgroundRunner {
  name: string;
  stop(): Promise<void>;
}

export interface WiredServices {
  readModels: ReadModels | undefined;
  hardware: HardwareService | undefined;
  parseConfig: (raw: unknown) => ParsedExperimentConfig;
  /** In-process runners (projections, search) started against the store; stopped on shutdown, in reverse. */
  runners: BackgroundRunner[];
}

export interface WireOptions {
  store: EventStore;
  /** The store's URL: the read models live beside it (same SQLite file or PostgreSQL database). */
  storeUrl: string;
  dataDir: string;
  /** Start the search runner in this process. @default true */
  runSearch?: boolean;
  /**
   * Training threads of the local `cosearch worker` process started on the first experiment with dispatch
   * 'workers' (0: remote workers only). @default 0
   */
  workers?: number;
  /** More flags for those workers, e.g. ['--data', dir]. */
  workerArgs?: string[];
  log: (message: string, error?: unknown) => void;
}

/** Wires every module; one that fails to start is logged and left out, so `health` and the event views still serve. */
export const wireServices = async ({
  store,
  storeUrl,
  dataDir,
  runSearch = true,
  workers = 0,
  workerArgs = [],
  log,
}: WireOptions): Promise<WiredServices> => {
  const runners: BackgroundRunner[] = [];
  let readModels: ReadModels | undefined;
  try {
    const projections = await openProjections({
      store,
      storeUrl,
      dataDir,
      onError: (error: unknown) => log('projection runner', error),
    });
    await projections.runner.start();
    readModels = createReadModelsAdapter(
      projections.queries,
      (name) => projections.runner.rebuild(name),
      () => projections.status(),
    );
    runners.push({ name: 'projections', stop: () => projections.close() });
  } catch (error) {
    log('the read models did not start; experiments/candidates queries are unavailable', error);
  }
  if (runSearch) {
    try {
      let local: LocalWorkers | undefined;
      const dispatcher = createStoreDispatcher(store);
      const search = createSearchRunner({
        store,
        trainerFor: (config) => createEngineTrainer(config, { dataDir }),
        dispatcher,
        onWorkersNeeded: () => {
          if (local !== undefined || workers <= 0) return;
          local = startLocalWorkers({
            count: 1,
            threads: workers,
            storeUrl,
            args: workerArgs,
            onLine: (id, line) => log(`worker ${id}: ${line}`),
            onExit: (id, code) => log(`local worker ${id} exited with code ${String(code)}`),
          });
          log(`started ${workers} local workers: ${local.ids.join(', ')}`);
        },
        onFinished: (experimentId, result) =>
          result instanceof Error
            ? log(`experiment ${experimentId} stopped`, result)
            : log(`experiment ${experimentId} finished`),
      });
      search.start();
      runners.push({
        name: 'search',
        stop: async () => {
          await search.stop();
          await dispatcher.close();
          await local?.stop();
        },
      });
    } catch (error) {
      log('the search runner did not start; started experiments wait for `cosearch search`', error);
    }
  }
  return {
    readModels,
    hardware: createHardwareService(),
    parseConfig: adaptConfigParser((raw) => withDefaultDispatch(parseExperimentConfig(raw))),
    runners,
  };
};
