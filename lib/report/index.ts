export * from './placement-report';
