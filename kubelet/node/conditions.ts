// Owns the node conditions as the kubelet's setters compute them: Ready, MemoryPressure,
// DiskPressure, PIDPressure with upstream's reasons and messages; lastTransitionTime moves only
// when a status changes. Pure.

export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastHeartbeatTime: string;
  lastTransitionTime: string;
}

export interface NodeHealth {
  memoryPressure: boolean;
  diskPressure: boolean;
  pidPressure: boolean;
  /** Undefined when ready; else why not (e.g. `container runtime is down`). */
  notReadyReason?: string;
}

type Spec = Omit<NodeCondition, 'lastHeartbeatTime' | 'lastTransitionTime'>;

export function desiredConditions(health: NodeHealth): Spec[] {
  return [
    health.memoryPressure
      ? { type: 'MemoryPressure', status: 'True', reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' }
      : { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
    health.diskPressure
      ? { type: 'DiskPressure', status: 'True', reason: 'KubeletHasDiskPressure', message: 'kubelet has disk pressure' }
      : { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
    health.pidPressure
      ? { type: 'PIDPressure', status: 'True', reason: 'KubeletHasInsufficientPID', message: 'kubelet has insufficient PID available' }
      : { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
    health.notReadyReason === undefined
      ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }
      : { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: health.notReadyReason },
  ];
}

/** Merges desired conditions into the previous ones: heartbeat now, transition time kept unless status changed. */
export function nextConditions(previous: NodeCondition[] | undefined, health: NodeHealth, now: string): NodeCondition[] {
  return desiredConditions(health).map((want) => {
    const old = previous?.find((c) => c.type === want.type);
    const transitioned = !old || old.status !== want.status;
    return { ...want, lastHeartbeatTime: now, lastTransitionTime: transitioned ? now : old.lastTransitionTime };
  });
}
