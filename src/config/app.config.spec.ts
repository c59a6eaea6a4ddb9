import { appConfig } from './app.config';

describe('app config: API_PROCESSES', () => {
  const saved = process.env.API_PROCESSES;
  afterEach(() => {
    if (saved === undefined) delete process.env.API_PROCESSES; else process.env.API_PROCESSES = saved;
  });

  it('should run one API process unless told more', () => {
    delete process.env.API_PROCESSES;
    expect(appConfig().apiProcesses).toBe(1);
    process.env.API_PROCESSES = '4';
    expect(appConfig().apiProcesses).toBe(4);
  });

  it.each(['0', '-1', '1.5', 'two', '65'])('should stop boot naming API_PROCESSES for %s', (value) => {
    process.env.API_PROCESSES = value;
    expect(() => appConfig()).toThrow(/Invalid configuration \(配置错误\): API_PROCESSES=/);
  });
});
