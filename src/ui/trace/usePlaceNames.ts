import { useMemo } from 'react';
import { podPlaces, useStore } from '../../store';
import type { PlaceNames } from './describe';

/** The names the trace gives namespaces: a cluster pod's sandbox by `namespace/pod`, kept while the cluster picture stays the same. */
export function usePlaceNames(): PlaceNames {
  const cluster = useStore((s) => s.cluster);
  return useMemo(() => podPlaces(cluster), [cluster]);
}
