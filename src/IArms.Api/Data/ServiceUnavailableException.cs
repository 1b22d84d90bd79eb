namespace IArms.Api.Data;

/// <summary>The service cannot do the work now (shutting down, overloaded); answered as 503.</summary>
public sealed class ServiceUnavailableException(string message) : Exception(message);
