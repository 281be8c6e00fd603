#!/usr/bin/env node
// Entry point of the `cosearch` binary: parses the command line with yargs and dispatches to src/cli/commands.
import 'reflect-metadata';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { commands } from './commands/index.js';
import { isVerbose, reportFailure } from './failure.js';

const cli = yargs(hideBin(process.argv))
  .scriptName('cosearch')
  .usage('$0 <command> [options]')
  .strict()
  .demandCommand(1, 'name a command; `cosearch --help` lists them')
  .option('verbose', {
    type: 'boolean',
    global: true,
    describe: 'on failure, print the stack trace (and help for a bad command line)',
  })
  .help()
  .alias('h', 'help')
  .showHelpOnFail(false)
  // One line per failure, never the help text: a yargs message is bad input (exit 2); an error thrown by a command
  // follows the rule of src/cli/failure.ts (2 bad input, 1 environment).
  .fail((message, error, parser) => {
    // A command's own error: rethrown, so parseAsync rejects once and the catch below reports it.
    if (error !== undefined && error !== null) throw error;
    console.error(`error BAD_USER_INPUT: ${message} (see cosearch --help)`);
    if (isVerbose()) parser.showHelp();
    // Nothing has started yet; exiting here keeps yargs from running the command with its arguments missing.
    process.exit(2);
  });

for (const command of commands) cli.command(command);

try {
  await cli.parseAsync();
} catch (error) {
  reportFailure(error, { verbose: isVerbose() });
}
