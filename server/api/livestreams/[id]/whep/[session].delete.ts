export default deleteSessionHandler('viewer')
