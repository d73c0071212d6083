package io.visutility.monitor.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The stable name by which a manifest refers to an {@link Observer} or {@link DriftStrategy}
 * class, e.g. {@code @ExtensionType("fixed-threshold")}. Renaming or moving the class does not
 * break manifests; changing this name does.
 *
 * <p>PF4J's {@code @Extension} is still required on the class: it feeds the extension index the
 * host discovers classes by. When two plugins use one name, manifests must qualify it as
 * {@code plugin-id:name}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ExtensionType {

    /** The name: lower-case words joined by dashes, e.g. {@code retraining-trigger}. */
    String value();
}
