using System.Reflection;
using Dapper;
using DbUp;
using DbUp.Builder;
using Microsoft.Data.Sqlite;

namespace IArms.Api.Data;

/// <summary>Applies the versioned scripts of <c>Data/Migrations/{provider}</c> with DbUp.</summary>
public sealed class Migrator(Db db, ILogger<Migrator> logger)
{
    /// <summary>
    /// Applies the scripts not yet applied. <paramref name="createDatabase"/> (the <c>migrate</c> command) also
    /// creates a missing SQL Server database, which needs rights a running service should not hold.
    /// </summary>
    public void Migrate(bool createDatabase = false)
    {
        var folder = $".Data.Migrations.{db.Provider}.";
        bool IsOurs(string name) => name.Contains(folder, StringComparison.Ordinal);
        var assembly = Assembly.GetExecutingAssembly();

        UpgradeEngineBuilder builder;
        if (db.Provider == DatabaseProvider.SqlServer)
        {
            if (createDatabase)
            {
                EnsureDatabase.For.SqlDatabase(db.ConnectionString);
            }
            builder = DeployChanges.To.SqlDatabase(db.ConnectionString);
        }
        else
        {
            // WAL is a property of the file, set once: readers no longer block the writer.
            using (var connection = new SqliteConnection(db.ConnectionString))
            {
                connection.Open();
                connection.Execute("PRAGMA journal_mode = WAL;");
            }
            builder = DeployChanges.To.SqliteDatabase(db.ConnectionString);
        }

        var result = builder
            .WithScriptsEmbeddedInAssembly(assembly, IsOurs)
            .WithTransactionPerScript()
            .LogToNowhere()
            .Build()
            .PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException(
                $"Migration {result.ErrorScript?.Name} failed: {result.Error.Message}", result.Error);
        }
        foreach (var script in result.Scripts)
        {
            logger.LogInformation("Applied migration {Script}", script.Name);
        }
    }
}
