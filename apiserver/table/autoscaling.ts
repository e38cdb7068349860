// Printer of autoscaling/v2 HorizontalPodAutoscaler, cell for cell as upstream's
// printHorizontalPodAutoscaler and formatHPAMetrics (`cpu: 45%/50%`, at most two metrics). Pure.
import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus, MetricTarget, MetricValueStatus } from 'kubernetes-types/autoscaling/v2.js';
import { translateTimestampSince } from '../../api/duration.js';
import { ageCol, col, nameCol, type Cell, type PrintContext, type Printer } from './types.js';

const UNKNOWN = '<unknown>';

function resourceTarget(name: string, target: MetricTarget, current: MetricValueStatus | undefined): string {
  if (target.averageValue !== undefined) return `${name}: ${current?.averageValue ?? UNKNOWN}/${target.averageValue}`;
  const now = current?.averageUtilization !== undefined ? `${current.averageUtilization}%` : UNKNOWN;
  const want = target.averageUtilization !== undefined ? `${target.averageUtilization}%` : '<auto>';
  return `${name}: ${now}/${want}`;
}

function valueTarget(target: MetricTarget, current: MetricValueStatus | undefined): string {
  if (target.averageValue !== undefined) return `${current?.averageValue ?? UNKNOWN}/${target.averageValue} (avg)`;
  return `${current?.value ?? UNKNOWN}/${target.value}`;
}

export function formatHPAMetrics(specs: MetricSpec[] | undefined, statuses: MetricStatus[] | undefined): string {
  if (!specs?.length) return '<none>';
  const list = specs.map((spec, i) => {
    const status = statuses?.[i];
    switch (spec.type) {
      case 'External':
        return valueTarget(spec.external!.target, status?.external?.current);
      case 'Pods':
        return `${status?.pods?.current.averageValue ?? UNKNOWN}/${spec.pods!.target.averageValue}`;
      case 'Object':
        return valueTarget(spec.object!.target, status?.object?.current);
      case 'Resource':
        return resourceTarget(spec.resource!.name, spec.resource!.target, status?.resource?.current);
      case 'ContainerResource':
        return resourceTarget(spec.containerResource!.name, spec.containerResource!.target, status?.containerResource?.current);
      default:
        return '<unknown type>';
    }
  });
  if (list.length > 2) return `${list.slice(0, 2).join(', ')} + ${list.length - 2} more...`;
  return list.join(', ');
}

export const horizontalPodAutoscalerPrinter: Printer<HorizontalPodAutoscaler> = {
  columns: [
    nameCol(),
    col('Reference', 'string', 'scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.'),
    col('Targets', 'string', 'metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).'),
    col('MinPods', 'string', 'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.'),
    col('MaxPods', 'integer', 'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.'),
    col('Replicas', 'integer', 'currentReplicas is current number of replicas of pods managed by this autoscaler.'),
    ageCol(),
  ],
  cells(hpa: HorizontalPodAutoscaler, { now }: PrintContext): Cell[] {
    const spec = hpa.spec;
    return [
      hpa.metadata?.name ?? '',
      `${spec?.scaleTargetRef?.kind ?? ''}/${spec?.scaleTargetRef?.name ?? ''}`,
      formatHPAMetrics(spec?.metrics, hpa.status?.currentMetrics),
      spec?.minReplicas !== undefined ? String(spec.minReplicas) : '<unset>',
      spec?.maxReplicas ?? 0,
      hpa.status?.currentReplicas ?? 0,
      translateTimestampSince(hpa.metadata?.creationTimestamp, now),
    ];
  },
};
