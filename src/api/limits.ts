// Request limits shared by HTTP and WebSocket: query depth, estimated complexity, page size, body size.
// Depth is a validation rule; complexity needs the variables, so it runs after parsing with them in hand.
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type DocumentNode,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
  type FragmentDefinitionNode,
} from 'graphql/index.js';
// The CJS build: its ESM build imports graphql/index.mjs, a second copy of graphql beside the one type-graphql uses.
import { createRequire } from 'node:module';
import type { ComplexityEstimator } from 'graphql-query-complexity/cjs';

// Loaded with require so that Node and vitest both get the CJS build (vitest's ESM interop hides its exports).
const { fieldExtensionsEstimator, getComplexity, simpleEstimator } = createRequire(import.meta.url)(
  'graphql-query-complexity/cjs',
) as typeof import('graphql-query-complexity/cjs');
import { CosearchError } from '../errors.js';

/** Limits of one server. All have safe defaults. */
export interface ApiLimits {
  /** Deepest field nesting of an operation (introspection fields excluded). @default 8 */
  maxDepth: number;
  /**
   * Highest estimated cost: 1 per field, lists multiplied by their `first`, and a field that reads a whole stream
   * (audit, replay, why, rescore) STREAM_READ_COST (1000) plus its children. @default 5000
   */
  maxComplexity: number;
  /** Largest `first` of a page. @default 100 */
  maxPageSize: number;
  /** Largest HTTP request body in bytes. @default 1_000_000 */
  maxBodyBytes: number;
}

export const DEFAULT_LIMITS: ApiLimits = {
  maxDepth: 8,
  maxComplexity: 5000,
  maxPageSize: 100,
  maxBodyBytes: 1_000_000,
};

const depthOf = (
  selectionSet: SelectionSetNode | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
  seen: Set<string>,
): number => {
  if (selectionSet === undefined) return 0;
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      // Introspection is allowed or disabled as a whole; its own depth (ofType chains) is not ours to limit.
      if (selection.name.value.startsWith('__')) continue;
      deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet, fragments, seen));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, depthOf(selection.selectionSet, fragments, seen));
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (fragment === undefined || seen.has(name)) continue;
      deepest = Math.max(deepest, depthOf(fragment.selectionSet, fragments, new Set([...seen, name])));
    }
  }
  return deepest;
};

/** A validation rule rejecting operations nested deeper than `maxDepth`. */
export const depthLimitRule =
  (maxDepth: number) =>
  (context: ValidationContext): ASTVisitor => {
    const document = context.getDocument();
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, fragments, new Set());
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(
              `operation ${node.name?.value ?? '(anonymous)'} is ${depth} levels deep, but at most ${maxDepth} are allowed; split it into smaller queries`,
              { nodes: [node], extensions: { code: 'BAD_USER_INPUT', limit: 'depth' } },
            ),
          );
        }
      },
    };
  };

/** A page multiplies its children's cost by `first` (or the cap when absent). */
const pageEstimator =
  (maxPageSize: number): ComplexityEstimator =>
  ({ args, childComplexity, field }) => {
    if (!('first' in args) && !field.args.some((arg) => arg.name === 'first')) return undefined;
    // A `first` over the cap is clamped here so that the resolver reports it, naming the argument.
    const first = typeof args['first'] === 'number' ? Math.min(args['first'], maxPageSize) : maxPageSize;
    return 1 + childComplexity * Math.max(1, first);
  };

/** Returns an error when the operation's estimated cost exceeds the limit, else undefined. */
export const complexityError = (
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
  limits: ApiLimits,
): GraphQLError | undefined => {
  let complexity: number;
  try {
    complexity = getComplexity({
      schema,
      query: document,
      variables: variables ?? {},
      ...(operationName === undefined ? {} : { operationName }),
      // A field's declared `complexity` (the stream-reading fields: STREAM_READ_COST) comes first, then pages, then 1.
      estimators: [
        fieldExtensionsEstimator(),
        pageEstimator(limits.maxPageSize),
        simpleEstimator({ defaultComplexity: 1 }),
      ],
    });
  } catch {
    // Bad variables or an unknown operation name: execution reports those with a precise message.
    return undefined;
  }
  if (complexity <= limits.maxComplexity) return undefined;
  return new GraphQLError(
    `operation costs ${complexity}, but at most ${limits.maxComplexity} is allowed; ask for fewer fields or a smaller \`first\``,
    { extensions: { code: 'BAD_USER_INPUT', limit: 'complexity' } },
  );
};

/** Validates a page size: 1..maxPageSize, default `fallback`. Names the argument in the error. */
export const pageSize = (first: number | undefined | null, maxPageSize: number, fallback = 20): number => {
  if (first === undefined || first === null) return Math.min(fallback, maxPageSize);
  if (!Number.isInteger(first) || first < 1 || first > maxPageSize) {
    throw new CosearchError(
      'BAD_USER_INPUT',
      `argument 'first' must be an integer from 1 to ${maxPageSize}, but got ${first}`,
      {
        field: 'first',
      },
    );
  }
  return first;
};
