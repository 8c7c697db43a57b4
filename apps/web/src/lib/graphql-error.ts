/** An error the admin GraphQL API answered with; `code` is billing's error code (FORBIDDEN, BAD_REQUEST…). */
export class GraphQLRequestError extends Error {
  override name = 'GraphQLRequestError';
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}
