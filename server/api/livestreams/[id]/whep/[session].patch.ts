export default patchSessionHandler('viewer')
