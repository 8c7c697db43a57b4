import {
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/** The deepest selection the admin API answers. */
export const MAX_QUERY_DEPTH = 8;
/** The most fields (weighted by list sizes) one admin operation may select. */
export const MAX_QUERY_COMPLEXITY = 5_000;
/** Items a list field is assumed to return when its `limit` is not a literal. */
const DEFAULT_LIST_SIZE = 20;
const MAX_LIST_SIZE = 100;

function listSize(field: FieldNode): number {
  const limit = field.arguments?.find((argument) => argument.name.value === 'limit');
  if (!limit) return DEFAULT_LIST_SIZE;
  return limit.value.kind === Kind.INT ? Math.min(Number(limit.value.value), MAX_LIST_SIZE) : MAX_LIST_SIZE;
}

/**
 * Estimates an operation's cost: each field costs 1 per parent item, and a list field multiplies the
 * cost of what it selects by its `limit` (or an assumed size). Rejects operations above `max`.
 */
export function complexityLimit(max = MAX_QUERY_COMPLEXITY): ValidationRule {
  return (context: ValidationContext) => ({
    OperationDefinition(operation) {
      const schema = context.getSchema();
      const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
      if (!root) return;
      const cost = selectionCost(
        schema,
        root,
        operation.selectionSet,
        1,
        (name) => context.getFragment(name),
        new Set(),
      );
      if (cost > max) {
        context.reportError(
          new GraphQLError(
            `The query is too complex: its estimated cost ${cost} exceeds ${max}. Select fewer fields or lower the limits.`,
            {
              nodes: [operation],
              extensions: { code: 'QUERY_TOO_COMPLEX' },
            },
          ),
        );
      }
    },
  });
}

function selectionCost(
  schema: GraphQLSchema,
  parent: GraphQLNamedType,
  selectionSet: SelectionSetNode,
  multiplier: number,
  fragment: (name: string) => FragmentDefinitionNode | null | undefined,
  visiting: Set<string>,
): number {
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      cost += multiplier;
      if (!selection.selectionSet || !isObjectType(parent)) continue;
      const definition: GraphQLField<unknown, unknown> | undefined = parent.getFields()[selection.name.value];
      if (!definition) continue;
      const type = getNullableType(definition.type);
      const inner = isListType(type) ? multiplier * listSize(selection) : multiplier;
      cost += selectionCost(schema, getNamedType(type), selection.selectionSet, inner, fragment, visiting);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
      cost += selectionCost(schema, type ?? parent, selection.selectionSet, multiplier, fragment, visiting);
    } else {
      const name = selection.name.value;
      const definition = fragment(name);
      // A fragment cycle is reported by graphql's own rules; count it once here.
      if (!definition || visiting.has(name)) continue;
      visiting.add(name);
      const type = schema.getType(definition.typeCondition.name.value) ?? parent;
      cost += selectionCost(schema, type, definition.selectionSet, multiplier, fragment, visiting);
      visiting.delete(name);
    }
  }
  return cost;
}
