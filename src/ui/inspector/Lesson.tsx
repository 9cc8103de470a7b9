/**
 * The lesson checklist (LAB.md), shown in the inspector when nothing is selected: five steps from
 * building the three-node lab to a pod-to-pod ping crossing the LAN, each with the one action that
 * moves the student on. Ticks come from the lab itself (routes, forwarding) and from the traces.
 */
import type { ReactNode } from 'react';
import { useStore } from '../../store';
import { lessonProgress, type LessonStep } from '../../store/lesson';
import { InlineCode } from '../layout/Overlays';

interface StepView {
  title: string;
  body: string;
  action?: { label: string; run: () => void };
}

export function Lesson() {
  const snapshot = useStore((s) => s.snapshot);
  const seen = useStore((s) => s.lessonSeen);
  const loadPreset = useStore((s) => s.loadPreset);
  const submitLine = useStore((s) => s.submitLine);
  const selectHost = useStore((s) => s.selectHost);
  const steps = lessonProgress(snapshot, seen);
  const built = steps[0].done;
  const count = steps.filter((s) => s.done).length;

  const views: Record<LessonStep['id'], StepView> = {
    built: {
      title: 'Build the lab',
      body: 'Three nodes on 192.168.1.0/24, each with a bridge `v-net-0` (10.244.N.1/24) and a pod (10.244.N.2).',
      action: { label: 'Load “4. Before the routes”', run: () => loadPreset('before-routes') },
    },
    unreachable: {
      title: 'Ping a pod on another node',
      body: 'From node01, `ping 10.244.2.2`. It fails at once: `Network is unreachable`. The trace shows why: node01 has no route to 10.244.2.0/24.',
      action: built ? { label: 'Ping from node01', run: () => submitLine('node01', 'ping -c 1 10.244.2.2', { local: false }) } : undefined,
    },
    routes: {
      title: 'Add the routes',
      body: 'On every node, route the other nodes’ pods via their node, e.g. on node01 `ip route add 10.244.2.2 via 192.168.1.12` (and the same for 10.244.3.2).',
      action: built && steps[2].next ? { label: `Edit ${steps[2].next}’s routes`, run: () => selectHost(steps[2].next!) } : undefined,
    },
    forwarding: {
      title: 'Turn forwarding on',
      body: 'A node drops packets for others unless `net.ipv4.ip_forward` is 1: `sysctl -w net.ipv4.ip_forward=1` on each node.',
      action:
        built && steps[3].next
          ? {
              label: `Turn it on for ${steps[3].next}`,
              run: () => {
                selectHost(steps[3].next!);
                // after the inspector has switched host (and scrolled to its top), show its sysctls
                setTimeout(() => document.querySelector('[data-section="sysctls"]')?.scrollIntoView({ block: 'start' }), 60);
              },
            }
          : undefined,
    },
    crossed: {
      title: 'Watch it cross',
      body: 'From pod1, `ping 10.244.2.2`, then step through the trace: pod1 → node01 → the LAN → node02 → pod2, and the reply back.',
      action: built ? { label: 'Ping from pod1', run: () => submitLine('pod1', 'ping -c 1 10.244.2.2', { local: false }) } : undefined,
    },
  };

  return (
    <section className="lesson" aria-labelledby="lesson-title">
      <div className="lesson__head">
        <h2 id="lesson-title">Lesson: pods across nodes</h2>
        <span className="badge" aria-label={`${count} of ${steps.length} steps done`}>
          {count}/{steps.length}
        </span>
      </div>
      <ol className="lesson__steps">
        {steps.map((step, i) => {
          const v = views[step.id];
          const current = i === steps.findIndex((s) => !s.done);
          return (
            <li key={step.id} className={step.done ? 'is-done' : current ? 'is-current' : ''}>
              <span className="lesson__mark" aria-hidden="true">
                {step.done ? '✓' : i + 1}
              </span>
              <div>
                <strong>
                  {v.title}
                  {step.done && <span className="visually-hidden"> (done)</span>}
                </strong>
                <p>
                  <InlineCode text={v.body} />
                </p>
                {!step.done && v.action && <Action onClick={v.action.run}>{v.action.label}</Action>}
              </div>
            </li>
          );
        })}
      </ol>
      {count === steps.length && (
        <div className="lesson__done" role="status">
          <p>
            <strong>Pods on different nodes now reach each other, without NAT.</strong> Next: one route per node instead of one per pod —
            the pod subnets as a single 10.244.0.0/16.
          </p>
          <button type="button" className="btn btn--sm" onClick={() => loadPreset('single-network')}>
            Load “6. A single large network”
          </button>
        </div>
      )}
    </section>
  );
}

function Action({ onClick, children }: { onClick: () => void; children: ReactNode }) {
  return (
    <button type="button" className="btn btn--sm" onClick={onClick}>
      {children}
    </button>
  );
}
