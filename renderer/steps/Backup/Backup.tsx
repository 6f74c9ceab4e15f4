import { UnavailableStep } from '../../components/UnavailableStep.js';

/** The Backup step is not built yet: the wizard says so honestly instead of showing a fake screen. */
export function Backup() {
  return <UnavailableStep step="backup" />;
}
