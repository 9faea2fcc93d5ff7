if (Math.random() > 2) await
  Promise.resolve();
