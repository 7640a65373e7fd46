export { PlacementReport } from './placement-report';
export type { IPlacedWorkload } from './placement-report';
