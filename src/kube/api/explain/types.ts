/** The API documentation kubectl explain reads from the server's OpenAPI schema, per type. */
export interface ExplainType {
  /** the type's description */
  d: string;
  /** field → [type as kubectl names it, 1 when required, description] */
  f: Record<string, [type: string, required: 0 | 1, description: string]>;
}

export type ExplainSchemas = Record<string, ExplainType>;
