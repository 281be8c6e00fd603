// `cosearch token hash|create`: make API tokens. Only the sha256 goes into COSEARCH_TOKENS(_FILE); the plain
// token is printed once for the client.
import type { CommandModule } from 'yargs';
import { createToken, hashToken, ROLES } from '../../api/index.js';

interface TokenArgs {
  action: string;
  value?: string;
  subject?: string;
  role?: string;
}

export const tokenCommand: CommandModule<object, TokenArgs> = {
  command: 'token <action> [value]',
  describe: 'API tokens: `token create --subject S --role R` makes one; `token hash <token>` prints its sha256',
  builder: (yargs) =>
    yargs
      .positional('action', { type: 'string', choices: ['create', 'hash'], demandOption: true })
      .positional('value', { type: 'string', describe: 'the token to hash' })
      .option('subject', { type: 'string', describe: 'who the token is for; recorded as the actor of events' })
      .option('role', { type: 'string', choices: [...ROLES], default: 'viewer' }),
  handler: (args) => {
    if (args.action === 'hash') {
      if (args.value === undefined)
        throw new Error('`cosearch token hash` needs the token: cosearch token hash <token>');
      console.log(hashToken(args.value));
      return;
    }
    if (args.subject === undefined || args.subject === '' || args.subject.includes(':')) {
      throw new Error('`cosearch token create` needs --subject NAME (no colons), e.g. --subject alice --role operator');
    }
    const role = ROLES.find((candidate) => candidate === args.role) ?? 'viewer';
    const { token, line } = createToken(args.subject, role);
    console.log(`token (give to the client, shown once): ${token}`);
    console.log(`line for COSEARCH_TOKENS_FILE:          ${line}`);
  },
};
