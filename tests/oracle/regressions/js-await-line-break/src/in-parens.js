const y = (await
  0);
