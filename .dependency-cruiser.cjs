// design.md's arrows as dependency-cruiser rules: `npm run lint:deps` prints the violations and
// test/architecture.test.ts fails on any (so `npm test` enforces them). Paths are relative to the repo root.
const rule = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to });
const OURS = '^src/';
const ERRORS = '^src/errors\\.ts$';

module.exports = {
  forbidden: [
    rule(
      'space-is-pure',
      'space depends on nothing of ours',
      { path: '^src/space/' },
      { path: OURS, pathNot: '^src/space/' },
    ),
    rule(
      'hardware-is-pure',
      'hardware may use space (its types) only',
      { path: '^src/hardware/' },
      { path: OURS, pathNot: ['^src/hardware/', '^src/space/'] },
    ),
    rule(
      'engine-uses-space-only',
      'engine depends only on space',
      { path: '^src/engine/' },
      { path: OURS, pathNot: ['^src/engine/', '^src/space/', ERRORS] },
    ),
    rule(
      'events-at-the-bottom',
      'events depend on nothing above them',
      { path: '^src/events/' },
      { path: OURS, pathNot: ['^src/events/', ERRORS] },
    ),
    rule(
      'store-over-events',
      'store depends on events only',
      { path: '^src/store/' },
      { path: OURS, pathNot: ['^src/store/', '^src/events/', ERRORS] },
    ),
    rule(
      'experiment-is-domain',
      'the experiment model sits on events and store, below every reader',
      { path: '^src/experiment/' },
      { path: '^src/(api|cli|search|projections|audit|workers|engine|web)/' },
    ),
    rule(
      'projections-below-readers',
      'projections read the log; they do not call search, audit, workers or engine',
      { path: '^src/projections/' },
      { path: '^src/(api|cli|search|audit|workers|engine|web)/' },
    ),
    rule(
      'middle-below-api-and-cli',
      'search, projections, audit and workers never import api or cli',
      { path: '^src/(search|audit|workers|projections)/' },
      { path: '^src/(api|cli)/' },
    ),
    rule(
      'api-builds-nothing',
      'the composition root is src/cli/wiring.ts: api never builds search, engine or workers',
      { path: '^src/api/' },
      { path: '^src/(cli|search|engine|workers)/' },
    ),
    rule('nothing-imports-cli', 'cli is the top', { path: OURS, pathNot: '^src/cli/' }, { path: '^src/cli/' }),
    rule(
      'web-speaks-graphql-only',
      'the dashboard uses only the public GraphQL schema at run time',
      { path: '^src/web/' },
      { path: OURS, pathNot: '^src/web/' },
    ),
    rule(
      'through-index-only',
      'another folder is imported through its index.ts',
      { path: '^src/([^/]+)/' },
      { path: '^src/[^/]+/', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'] },
    ),
    rule('no-circular', 'no import cycles', { path: OURS }, { circular: true }),
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
