namespace IArms.Api.Data;

/// <summary>Classifies database failures the same way for both providers.</summary>
public static class DatabaseErrors
{
    /// <summary>Lock contention or a timeout: the transaction was rolled back and a retry can succeed.</summary>
    public static bool IsTransient(Exception e) => e switch
    {
        Microsoft.Data.Sqlite.SqliteException s => s.SqliteErrorCode is 5 or 6, // SQLITE_BUSY, SQLITE_LOCKED
        Microsoft.Data.SqlClient.SqlException s => s.Number is -2 or 1205, // timeout, deadlock victim
        TimeoutException => true,
        _ => false,
    };

    /// <summary>A unique index refused the row.</summary>
    public static bool IsUniqueViolation(Exception e) => e switch
    {
        Microsoft.Data.Sqlite.SqliteException s => s.SqliteErrorCode == 19 && s.SqliteExtendedErrorCode is 2067 or 1555,
        Microsoft.Data.SqlClient.SqlException s => s.Number is 2601 or 2627,
        _ => false,
    };
}

/// <summary>The service cannot do the work now (shutting down, overloaded); answered as 503.</summary>
public sealed class ServiceUnavailableException(string message) : Exception(message);
