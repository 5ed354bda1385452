import { run } from './watch';
import uploadPhoto from './5-photo-reject.js';

run(async () => {
  try {
    await uploadPhoto('cat.png');
    console.log('it resolves');
  } catch (error) {
    console.log('it rejects with an Error:', error instanceof Error, JSON.stringify(error && error.message));
  }
});
