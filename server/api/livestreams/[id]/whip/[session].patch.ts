export default patchSessionHandler('publisher')
