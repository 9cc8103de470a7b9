/** The API documentation kubectl explain reads from the server's OpenAPI schema, per type. */
export interface ExplainType {
  /** the type's description */
  d: string;
  /** field → [type as kubectl names it, 1 when required, description, the values of an enum] */
  f: Record<string, [type: string, required: 0 | 1, description: string, enumValues?: string[]]>;
}

export type ExplainSchemas = Record<string, ExplainType>;
