/** The request shape our (framework-agnostic) handlers receive after authentication. */
export interface AuthedRequest {
  userId: number;
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  body: Record<string, unknown>;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
