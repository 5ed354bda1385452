import getStudentIdsSum from './3-get_ids_sum.js';

console.log(getStudentIdsSum([]));
