namespace AttentionLego.Tests.Cli;

/// <summary>Hostile cases of issue 16: the cache is checked, not trusted: damaged entries, crashed simulators, staging leftovers, the build environment.</summary>
public static partial class HostileCases
{
    public static void Cache(HostileCatalogueBuilder b)
    {
    }
}
