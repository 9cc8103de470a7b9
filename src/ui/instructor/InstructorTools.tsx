/**
 * The header's Share button and the instructor views it opens (compare, presenter), in one place
 * so the app shell needs one element. `?compare=LEFT,RIGHT` opens the compare view at start.
 */
import { useState } from 'react';
import { ShareMenu } from '../share/ShareMenu';
import { CompareView } from './CompareView';
import { Presenter } from './Presenter';

function compareParam(): [string, string] | null {
  const v = new URLSearchParams(window.location.search).get('compare');
  const parts = v?.split(',').map((s) => s.trim()).filter(Boolean);
  return parts && parts.length === 2 ? [parts[0], parts[1]] : null;
}

export function InstructorTools() {
  const [compare, setCompare] = useState<[string, string] | null>(compareParam);
  const [present, setPresent] = useState(false);
  return (
    <>
      <ShareMenu onCompare={() => setCompare(['before-routes', 'routed'])} onPresent={() => setPresent(true)} />
      {compare && <CompareView left={compare[0]} right={compare[1]} onClose={() => setCompare(null)} />}
      {present && <Presenter onExit={() => setPresent(false)} />}
    </>
  );
}
