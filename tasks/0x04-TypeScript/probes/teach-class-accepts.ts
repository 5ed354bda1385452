const probeMath: string = teachClass('Math');
const probeHistory: string = teachClass('History');
