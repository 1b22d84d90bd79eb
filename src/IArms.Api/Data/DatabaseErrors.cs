namespace IArms.Api.Data;

/// <summary>
/// Classifies a database failure whichever provider raised it, for code that holds an exception but no
/// <see cref="Db"/> (the exception handler, the audit writer): each dialect knows its own engine's errors.
/// </summary>
public static class DatabaseErrors
{
    private static readonly ISqlDialect[] Dialects = [SqliteDialect.Instance, SqlServerDialect.Instance];

    /// <summary>Lock contention or a timeout: the transaction was rolled back and a retry can succeed.</summary>
    public static bool IsTransient(Exception e) => Dialects.Any(d => d.IsTransient(e));

    /// <summary>A unique index refused the row.</summary>
    public static bool IsUniqueViolation(Exception e) => Dialects.Any(d => d.IsUniqueViolation(e));
}

/// <summary>The service cannot do the work now (shutting down, overloaded); answered as 503.</summary>
public sealed class ServiceUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
