import { describe, expect, it } from 'vitest';
import { fleets } from '../../shared/scaling/fleets.config';
import { fleetScaling, loadAutoscalerConfig } from './autoscaler.config';

describe('autoscaler config', () => {
  it('has the documented defaults', () => {
    const config = loadAutoscalerConfig({});
    expect(config).toMatchObject({
      AUTOSCALER_PORT: 3100,
      AUTOSCALER_POLL_MS: 1000,
      AUTOSCALER_DRY_RUN: false,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(fleetScaling(config, 'chat')).toEqual(fleets.chat);
  });

  it('takes fleet bounds from the environment and overrides after them', () => {
    const config = loadAutoscalerConfig({ AUTOSCALER_CHAT_MAX: '6', AUTOSCALER_DRY_RUN: 'true' });
    expect(config.AUTOSCALER_DRY_RUN).toBe(true);
    expect(fleetScaling(config, 'chat', { scaleDownWindowSeconds: 5, max: 4 })).toEqual({
      ...fleets.chat,
      max: 4,
      scaleDownWindowSeconds: 5,
    });
    expect(fleetScaling(config, 'chat').max).toBe(6);
    expect(fleetScaling(config, 'writer')).toEqual(fleets.writer);
  });

  it('names the variable that is wrong', () => {
    expect(() => loadAutoscalerConfig({ AUTOSCALER_POLL_MS: 'soon' })).toThrow(
      /^AUTOSCALER_POLL_MS is "soon"/,
    );
    expect(() => loadAutoscalerConfig({ AUTOSCALER_WRITER_MIN: '9' })).toThrow(
      /^AUTOSCALER_WRITER_MIN is "9": writer min 9 is above max 4/,
    );
    expect(() => loadAutoscalerConfig({ AUTOSCALER_CHAT_MAX: '0' })).toThrow(/^AUTOSCALER_CHAT_MAX is "0"/);
  });
});
