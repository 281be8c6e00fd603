// Shared plumbing of the audit commands (replay, rerun, audit, why, export, import, rescore): the --store and
// --json options, opening and closing the store, and turning errors into one line and the exit code of src/cli/failure.ts.
import type { Argv } from 'yargs';
import { isVerbose, reportFailure } from '../failure.js';
import { createEventStore, defaultStoreUrl } from '../../store/index.js';
import type { EventStore } from '../../store/index.js';

export interface StoreArgs {
  store?: string;
  json?: boolean;
}

/** Adds --store URL and --json. */
export const withStoreOptions = <T>(yargs: Argv<T>): Argv<T & StoreArgs> =>
  yargs
    .option('store', {
      type: 'string',
      describe:
        'event store URL (sqlite:FILE, postgres://…, kurrentdb://…); default sqlite:$COSEARCH_DATA_DIR/cosearch.db',
    })
    .option('json', { type: 'boolean', default: false, describe: 'print machine-readable JSON' });

/** Opens the store, runs `fn`, closes the store. Errors print `error CODE: message`: exit 2 bad input, 1 environment. */
export const runWithStore = async (args: StoreArgs, fn: (store: EventStore) => Promise<number>): Promise<void> => {
  let store: EventStore | undefined;
  try {
    store = await createEventStore(args.store ?? defaultStoreUrl());
    process.exitCode = await fn(store);
  } catch (error) {
    reportFailure(error, { json: args.json === true, verbose: isVerbose() });
  } finally {
    await store?.close();
  }
};

/** Prints a value as indented JSON. */
export const printJson = (value: unknown): void => {
  console.log(JSON.stringify(value, null, 2));
};
