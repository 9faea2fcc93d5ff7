export const z: number = await
  Promise.resolve(1);
