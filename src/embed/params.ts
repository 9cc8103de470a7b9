/** The embed widget's URL: `?lab=<preset>&host=node01&readonly=1`. Pure. */
export interface EmbedParams {
  lab: string;
  host: string | null;
  readonly: boolean;
}

export function parseEmbedParams(search: string): EmbedParams {
  const p = new URLSearchParams(search);
  const flag = (v: string | null) => v !== null && v !== '0' && v.toLowerCase() !== 'false';
  return {
    lab: p.get('lab')?.trim() || 'before-routes',
    host: p.get('host')?.trim() || null,
    readonly: flag(p.get('readonly')),
  };
}
