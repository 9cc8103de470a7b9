/**
 * A cable on the canvas: veth pair, LAN cable or point-to-point cable. Down links are grey and
 * dashed with a DOWN label, links without carrier dotted with NO-CARRIER; the trace lights the
 * link a frame is crossing and moves a packet dot along it.
 */
import { memo } from 'react';
import { getBezierPath, type EdgeProps } from '@xyflow/react';
import { TRACE_STEP_MS } from '../../store/trace';
import { useStore } from '../../store';
import type { LinkEdge } from './graph';
import { cls, STATE_LABEL, useTraceEvent } from './nodes';

export const LinkEdgeView = memo(function LinkEdgeView(props: EdgeProps<LinkEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data } = props;
  const ev = useTraceEvent();
  const speed = useStore((s) => s.trace.speed);
  const traceId = useStore((s) => s.trace.id);
  const cursor = useStore((s) => s.trace.cursor);
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition });
  if (!data) return null;
  const [a, b] = data.ends;
  const at = ev?.dev ? `${ev.netns}/${ev.dev}` : null;
  const to = ev?.to ? `${ev.to.netns}/${ev.to.dev}` : null;
  const active = to ? to === a || to === b : at !== null && (at === a || at === b);
  // the dot runs toward the end the frame enters; ends[0] is the edge source's device
  const forward = to === b;
  const dur = Math.max(120, (TRACE_STEP_MS / Math.max(0.1, speed)) * 0.8);
  return (
    <>
      <path id={id} className="react-flow__edge-interaction" d={path} fill="none" strokeOpacity={0} strokeWidth={16} />
      <path
        d={path}
        className={cls('link-edge', `link-edge--${data.kind}`, data.state !== 'up' && `link-edge--${data.state}`, active && 'is-active')}
        data-testid={`edge-${id}`}
      >
        <title>{`${data.label}: ${a} ⇄ ${b} (${STATE_LABEL[data.state]})`}</title>
      </path>
      {active && to && (
        <circle key={`${traceId}:${cursor}`} r={6} className="packet-dot">
          <animateMotion
            dur={`${dur}ms`}
            fill="freeze"
            path={path}
            keyPoints={forward ? '0;1' : '1;0'}
            keyTimes="0;1"
            calcMode="linear"
          />
        </circle>
      )}
      {data.state !== 'up' && (
        <g className={cls('edge-label', `edge-label--${data.state}`)} transform={`translate(${labelX} ${labelY})`} aria-hidden="true">
          <rect x={data.state === 'down' ? -30 : -52} y={-9} width={data.state === 'down' ? 60 : 104} height={18} rx={9} />
          <text textAnchor="middle" dy="0.35em">
            {data.state === 'down' ? '○ DOWN' : '⚠ NO-CARRIER'}
          </text>
        </g>
      )}
    </>
  );
});

export const edgeTypes = { link: LinkEdgeView };
