import { run } from './watch';
import getFullResponseFromAPI from './1-promise.js';

run(async () => {
  const fulfilled = await getFullResponseFromAPI(true);
  console.log('true resolves to', JSON.stringify(fulfilled));
  try {
    await getFullResponseFromAPI(false);
    console.log('false resolves');
  } catch (error) {
    console.log('false rejects with an Error:', error instanceof Error, JSON.stringify(error && error.message));
  }
});
