await
0;
