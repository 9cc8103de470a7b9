import type { Container } from '../api/types';

/** A container port by name (probes and Services may name ports). */
export const findNamedPort = (c: Container, name: string): number | undefined => c.ports?.find((p) => p.name === name)?.containerPort;
